variable "name" {
  description = "Name prefix of every resource (e.g. boxoffice-prod)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets the instance (and its Multi-AZ standby) may use."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on 5432 (the k3s nodes)."
  type        = list(string)
}

variable "engine_version" {
  description = "PostgreSQL 15 minor version on RDS."
  type        = string
  default     = "15.10"
  validation {
    condition     = can(regex("^15\\.[0-9]+$", var.engine_version))
    error_message = "engine_version must be a PostgreSQL 15 release (15.N): the parameter group is postgres15."
  }
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS class (db.*)."
  }
}

variable "storage_gb" {
  description = "Initial storage, GiB; autoscaling may grow it to four times this."
  type        = number
  validation {
    condition     = var.storage_gb >= 20
    error_message = "storage_gb must be at least 20."
  }
}

variable "multi_az" {
  description = "Keep a synchronous standby in another zone (automatic failover)."
  type        = bool
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35."
  }
}

variable "max_slot_wal_keep_mb" {
  description = "Most WAL a replication slot may hold back, MB; past it the slot is invalidated (Debezium re-snapshots) instead of the disk filling."
  type        = number
  default     = 20480
}

variable "deletion_protection" {
  description = "Refuse to delete the instance, and take a final snapshot if it is deleted after all."
  type        = bool
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights and the master password secret."
  type        = string
}
