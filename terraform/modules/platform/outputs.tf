output "public_url" {
  description = "The platform's origin (set it in the k3s overlay's public-origin.yaml)."
  value       = "https://${var.host}"
}

output "load_balancer_dns_name" {
  description = "Point the host's DNS record (CNAME or alias) here."
  value       = module.edge.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone id for a Route 53 alias to the load balancer."
  value       = module.edge.zone_id
}

output "k3s_api_endpoint" {
  description = "k3s API (internal), for the kubeconfig."
  value       = module.cluster.api_endpoint
}

output "k3s_server_group" {
  description = "Auto Scaling group of the k3s servers (Session Manager target to fetch the kubeconfig)."
  value       = module.cluster.server_group_name
}

output "registry" {
  description = "ECR registry host, k3s/render's REGISTRY argument."
  value       = module.registry.registry
}

output "database_address" {
  description = "PostgreSQL host name (for the boxoffice-database, boxoffice-debezium-db and boxoffice-keycloak Secrets)."
  value       = module.database.address
}

output "database_port" {
  description = "PostgreSQL port."
  value       = module.database.port
}

output "database_master_secret_arn" {
  description = "Secrets Manager secret holding the master credentials."
  value       = module.database.master_user_secret_arn
}

output "images_bucket" {
  description = "S3 bucket of event images."
  value       = module.images.bucket
}
