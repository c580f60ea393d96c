variable "name" {
  description = "Environment name, the prefix of every resource (boxoffice-dev, boxoffice-prod)."
  type        = string
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,20}$", var.name))
    error_message = "name must be 3-21 lowercase letters, digits or hyphens, starting with a letter (it prefixes load balancer names, which are limited to 32 characters)."
  }
}

variable "host" {
  description = "Public host name of the platform; the ACM certificate must cover it."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for host, in this region."
  type        = string
}

variable "vpc_cidr" {
  description = "The VPC's address range (/16 or larger)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "nat_per_az" {
  description = "One NAT gateway per zone (true) or one shared (false)."
  type        = bool
}

variable "k3s_version" {
  description = "k3s release on every node (v1.33.x+k3sN)."
  type        = string
}

variable "server_count" {
  description = "k3s servers: 1, 3 or 5."
  type        = number
}

variable "dedicated_servers" {
  description = "Keep workloads off the servers (taint them)."
  type        = bool
}

variable "server_instance_type" {
  description = "EC2 type of the k3s servers."
  type        = string
}

variable "worker_instance_type" {
  description = "EC2 type of the k3s workers."
  type        = string
}

variable "worker_min" {
  description = "Fewest workers."
  type        = number
}

variable "worker_max" {
  description = "Most workers."
  type        = number
  validation {
    condition     = var.worker_max >= 2
    error_message = "worker_max must be at least 2."
  }
}

variable "worker_volume_gb" {
  description = "Root volume per worker, GiB (images plus Kafka and MongoDB data)."
  type        = number
}

variable "api_allowed_cidrs" {
  description = "Networks allowed to reach the k3s API (operators' VPN)."
  type        = list(string)
  default     = []
}

variable "db_instance_class" {
  description = "RDS instance class of PostgreSQL."
  type        = string
}

variable "db_storage_gb" {
  description = "Initial PostgreSQL storage, GiB."
  type        = number
}

variable "db_multi_az" {
  description = "PostgreSQL with a standby in another zone."
  type        = bool
}

variable "db_backup_retention_days" {
  description = "Days of PostgreSQL point-in-time recovery."
  type        = number
}

variable "log_retention_days" {
  description = "Days load balancer and S3 access logs are kept."
  type        = number
  default     = 365
  validation {
    condition     = var.log_retention_days >= 30
    error_message = "log_retention_days must be at least 30."
  }
}

variable "deletion_protection" {
  description = "Protect the database and load balancers from deletion (prod)."
  type        = bool
}
