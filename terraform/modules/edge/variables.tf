variable "name" {
  description = "Name prefix of every resource (e.g. boxoffice-prod)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer."
  type        = string
}

variable "vpc_cidr" {
  description = "The VPC's range, where the workers are."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets, one per zone."
  type        = list(string)
}

variable "host" {
  description = "Public host name of the platform (e.g. tickets.example.com); only it is forwarded."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.host))
    error_message = "host must be a lowercase DNS name."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for host, in this region."
  type        = string
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }
}

variable "managed_rule_groups" {
  description = "AWS managed WAF rule groups, in priority order."
  type        = list(string)
  default = [
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
  ]
}

variable "rate_limit_per_5min" {
  description = "Requests one IP address may make in 5 minutes before WAF blocks it (venues and offices share addresses)."
  type        = number
  default     = 6000
  validation {
    condition     = var.rate_limit_per_5min >= 100
    error_message = "rate_limit_per_5min must be at least 100 (the WAF minimum)."
  }
}

variable "access_log_bucket" {
  description = "Bucket for the load balancer's access logs."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the WAF log group."
  type        = string
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion."
  type        = bool
}
