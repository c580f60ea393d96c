output "api_endpoint" {
  description = "k3s API address (internal load balancer), for kubeconfig and joining nodes."
  value       = "https://${aws_lb.api.dns_name}:6443"
}

output "node_role_name" {
  description = "IAM role of every node."
  value       = aws_iam_role.node.name
}

output "node_security_group_ids" {
  description = "Security groups of servers and workers (database access is granted to these)."
  value       = [aws_security_group.server.id, aws_security_group.worker.id]
}

output "server_group_name" {
  description = "Auto Scaling group of the servers (find an instance for Session Manager)."
  value       = aws_autoscaling_group.server.name
}

output "worker_group_name" {
  description = "Auto Scaling group of the workers."
  value       = aws_autoscaling_group.worker.name
}
