variable "name" {
  description = "Name prefix of every resource (e.g. boxoffice-prod)."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's address range; split into three public and three private /20s (so at least a /16)."
  type        = string
  default     = "10.0.0.0/16"
  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && tonumber(split("/", var.cidr_block)[1]) <= 16
    error_message = "cidr_block must be an IPv4 CIDR of /16 or larger."
  }
}

variable "nat_per_az" {
  description = "One NAT gateway per availability zone (true, zone failures stay contained) or one shared (false, cheaper)."
  type        = bool
  default     = true
}

variable "flow_log_retention_days" {
  description = "How long VPC flow logs are kept, in days."
  type        = number
  default     = 365
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, ... 365, ...)."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow log group."
  type        = string
}
