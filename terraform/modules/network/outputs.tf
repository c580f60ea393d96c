output "vpc_id" {
  description = "The VPC."
  value       = aws_vpc.this.id
}

output "cidr_block" {
  description = "The VPC's address range."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnets, one per zone (load balancer, NAT)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets, one per zone (k3s nodes, database)."
  value       = aws_subnet.private[*].id
}
