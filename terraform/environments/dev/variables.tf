variable "region" {
  description = "AWS region of this environment."
  type        = string
  default     = "eu-west-1"
  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "host" {
  description = "Public host name of the platform (the ACM certificate must cover it)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate ARN for host, in region."
  type        = string
}

variable "api_allowed_cidrs" {
  description = "Operators' networks (VPN) allowed to reach the k3s API."
  type        = list(string)
  default     = []
}
