output "address" {
  description = "Host name of the PostgreSQL endpoint."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port of the PostgreSQL endpoint."
  value       = aws_db_instance.this.port
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret with the master credentials (read it to create the application roles)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}
