output "public_url" {
  description = "The platform's origin."
  value       = module.platform.public_url
}

output "load_balancer_dns_name" {
  description = "Point the host's DNS record here."
  value       = module.platform.load_balancer_dns_name
}

output "k3s_api_endpoint" {
  description = "k3s API (internal load balancer)."
  value       = module.platform.k3s_api_endpoint
}

output "k3s_server_group" {
  description = "Auto Scaling group of the k3s servers."
  value       = module.platform.k3s_server_group
}

output "registry" {
  description = "ECR registry host for k3s/render."
  value       = module.platform.registry
}

output "database_address" {
  description = "PostgreSQL host name."
  value       = module.platform.database_address
}

output "database_master_secret_arn" {
  description = "Secrets Manager secret with the PostgreSQL master credentials."
  value       = module.platform.database_master_secret_arn
}

output "images_bucket" {
  description = "S3 bucket of event images."
  value       = module.platform.images_bucket
}
