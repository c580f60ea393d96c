output "dns_name" {
  description = "The load balancer's DNS name: point the platform host at it (CNAME or alias)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the load balancer, for a Route 53 alias record."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the load balancer."
  value       = aws_security_group.alb.id
}

output "target_group_arn" {
  description = "Target group the workers join (Traefik on port 80)."
  value       = aws_lb_target_group.http.arn
}
