variable "repositories" {
  description = "Image names; each becomes the repository boxoffice/<name>."
  type        = list(string)
  default     = ["command-service", "query-service", "order-service", "projector", "scheduler", "web", "kafka-connect-debezium"]
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the images."
  type        = string
}

variable "keep_images" {
  description = "Images kept per repository; older ones expire."
  type        = number
  default     = 50
  validation {
    condition     = var.keep_images >= 5
    error_message = "keep_images must be at least 5, so a rollback target stays."
  }
}
