variable "name" {
  description = "Name prefix of every resource (e.g. boxoffice-prod)."
  type        = string
}

variable "vpc_id" {
  description = "VPC the nodes run in."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets, one per availability zone; nodes and the API load balancer spread over them."
  type        = list(string)
  validation {
    condition     = length(var.private_subnet_ids) >= 3
    error_message = "Three private subnets (one per zone) are needed, so etcd and the workloads survive a zone loss."
  }
}

variable "k3s_version" {
  description = "k3s release to install (INSTALL_K3S_VERSION), e.g. v1.33.5+k3s1. k3s/validate checks manifests against this Kubernetes minor."
  type        = string
  validation {
    condition     = can(regex("^v1\\.33\\.[0-9]+\\+k3s[0-9]+$", var.k3s_version))
    error_message = "k3s_version must be a v1.33 k3s release (vX.Y.Z+k3sN); the manifests are validated against Kubernetes 1.33."
  }
}

variable "server_count" {
  description = "Number of k3s servers (embedded etcd): 1 (no control-plane redundancy) or 3/5 (quorum survives losing one/two)."
  type        = number
  validation {
    condition     = contains([1, 3, 5], var.server_count)
    error_message = "server_count must be 1, 3 or 5: etcd needs an odd number of members."
  }
}

variable "dedicated_servers" {
  description = "Taint the servers so only the control plane runs there (true when workers carry the workloads)."
  type        = bool
}

variable "server_instance_type" {
  description = "EC2 type of the servers."
  type        = string
}

variable "worker_instance_type" {
  description = "EC2 type of the workers."
  type        = string
}

variable "worker_min" {
  description = "Fewest workers. At least 3 where servers are dedicated: Kafka and MongoDB place one member per node."
  type        = number
  validation {
    condition     = var.worker_min >= 2
    error_message = "worker_min must be at least 2."
  }
}

variable "worker_max" {
  description = "Most workers the group may grow to."
  type        = number
}

variable "server_volume_gb" {
  description = "Root volume of a server, GiB (etcd, images)."
  type        = number
  default     = 50
}

variable "worker_volume_gb" {
  description = "Root volume of a worker, GiB: container images plus the local-path volumes of Kafka and MongoDB."
  type        = number
  validation {
    condition     = var.worker_volume_gb >= 100
    error_message = "worker_volume_gb must be at least 100 (Kafka and MongoDB volumes live there)."
  }
}

variable "api_allowed_cidrs" {
  description = "Networks (e.g. the operators' VPN) allowed to reach the k3s API load balancer on 6443."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for c in var.api_allowed_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "api_allowed_cidrs must be CIDRs, and not 0.0.0.0/0."
  }
}

variable "alb_security_group_id" {
  description = "Security group of the public load balancer, the only source of HTTP to the workers."
  type        = string
}

variable "http_target_group_arn" {
  description = "Target group of the public load balancer; workers register in it on port 80 (Traefik)."
  type        = string
}

variable "ecr_repository_arns" {
  description = "ECR repositories the nodes may pull from."
  type        = list(string)
}

variable "images_bucket_arn" {
  description = "S3 bucket of event images the services read and write."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for volumes, the join token and the images bucket."
  type        = string
}

variable "ecr_credential_provider_url" {
  description = "Where nodes download the kubelet's ECR credential provider (cloud-provider-aws release artifact, matching the Kubernetes minor)."
  type        = string
  default     = "https://artifacts.k8s.io/binaries/cloud-provider-aws/v1.33.0/linux/amd64/ecr-credential-provider-linux-amd64"
  validation {
    condition     = startswith(var.ecr_credential_provider_url, "https://")
    error_message = "ecr_credential_provider_url must be an https URL."
  }
}

variable "deletion_protection" {
  description = "Protect the API load balancer from deletion."
  type        = bool
}
