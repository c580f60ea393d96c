variable "bucket_name" {
  description = "Globally unique name of the event images bucket."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the objects."
  type        = string
}

variable "access_log_bucket" {
  description = "Bucket that receives the S3 server access logs."
  type        = string
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted image version is kept before it expires."
  type        = number
  default     = 90
}
