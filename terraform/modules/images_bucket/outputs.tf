output "bucket" {
  description = "Name of the event images bucket."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "ARN of the event images bucket."
  value       = aws_s3_bucket.this.arn
}
