output "registry" {
  description = "Registry host (k3s/render's REGISTRY argument)."
  value       = split("/", values(aws_ecr_repository.this)[0].repository_url)[0]
}

output "repository_arns" {
  description = "ARNs of the repositories."
  value       = [for r in aws_ecr_repository.this : r.arn]
}
