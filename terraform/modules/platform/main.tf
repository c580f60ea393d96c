# One Boxoffice environment: network, k3s cluster, database, event images, registry and the
# public entry. The environment roots (environments/dev, environments/prod) only choose sizes.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_elb_service_account" "current" {}

locals {
  account = data.aws_caller_identity.current.account_id
}

# --- encryption key ----------------------------------------------------------------------
data "aws_iam_policy_document" "key" {
  # checkov:skip=CKV_AWS_109:a key policy's "*" resource is the key itself
  # checkov:skip=CKV_AWS_111:a key policy's "*" resource is the key itself
  # checkov:skip=CKV_AWS_356:a key policy's "*" resource is the key itself
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account}:root"]
    }
  }
  statement {
    sid       = "CloudWatchLogs"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
  # Auto Scaling launches the nodes with encrypted volumes on this key.
  statement {
    sid       = "AutoScalingVolumes"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"]
    }
  }
}

resource "aws_kms_key" "this" {
  description         = "Boxoffice ${var.name}: volumes, database, images, logs, secrets"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.key.json
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

# --- access logs -------------------------------------------------------------------------
resource "aws_s3_bucket" "logs" {
  # checkov:skip=CKV_AWS_18:this is the access-log bucket; logging it into itself would loop
  # checkov:skip=CKV_AWS_144:access logs need no second region
  # checkov:skip=CKV_AWS_145:load balancer access logs only support SSE-S3 on the target bucket
  # checkov:skip=CKV2_AWS_62:nothing reacts to new log objects
  bucket = "${var.name}-logs-${local.account}"
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    id     = "expire"
    status = "Enabled"
    filter {}
    expiration {
      days = var.log_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "LoadBalancerLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/alb/*"]
    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.current.arn]
    }
  }
  statement {
    sid       = "S3AccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/s3/*"]
    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account]
    }
  }
  statement {
    sid       = "DenyPlainHttp"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket     = aws_s3_bucket.logs.id
  policy     = data.aws_iam_policy_document.logs.json
  depends_on = [aws_s3_bucket_public_access_block.logs]
}

# --- the parts -----------------------------------------------------------------------------
module "network" {
  source      = "../network"
  name        = var.name
  cidr_block  = var.vpc_cidr
  nat_per_az  = var.nat_per_az
  kms_key_arn = aws_kms_key.this.arn
}

module "registry" {
  source      = "../registry"
  kms_key_arn = aws_kms_key.this.arn
}

module "images" {
  source            = "../images_bucket"
  bucket_name       = "${var.name}-event-images-${local.account}"
  kms_key_arn       = aws_kms_key.this.arn
  access_log_bucket = aws_s3_bucket.logs.id
}

module "edge" {
  source              = "../edge"
  name                = var.name
  vpc_id              = module.network.vpc_id
  vpc_cidr            = module.network.cidr_block
  public_subnet_ids   = module.network.public_subnet_ids
  host                = var.host
  certificate_arn     = var.certificate_arn
  access_log_bucket   = aws_s3_bucket.logs.id
  kms_key_arn         = aws_kms_key.this.arn
  deletion_protection = var.deletion_protection
  depends_on          = [aws_s3_bucket_policy.logs]
}

module "cluster" {
  source                = "../k3s"
  name                  = var.name
  vpc_id                = module.network.vpc_id
  private_subnet_ids    = module.network.private_subnet_ids
  k3s_version           = var.k3s_version
  server_count          = var.server_count
  dedicated_servers     = var.dedicated_servers
  server_instance_type  = var.server_instance_type
  worker_instance_type  = var.worker_instance_type
  worker_min            = var.worker_min
  worker_max            = var.worker_max
  worker_volume_gb      = var.worker_volume_gb
  api_allowed_cidrs     = var.api_allowed_cidrs
  alb_security_group_id = module.edge.security_group_id
  http_target_group_arn = module.edge.target_group_arn
  ecr_repository_arns   = module.registry.repository_arns
  images_bucket_arn     = module.images.arn
  kms_key_arn           = aws_kms_key.this.arn
  deletion_protection   = var.deletion_protection
}

module "database" {
  source                    = "../database"
  name                      = var.name
  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = module.network.private_subnet_ids
  client_security_group_ids = module.cluster.node_security_group_ids
  instance_class            = var.db_instance_class
  storage_gb                = var.db_storage_gb
  multi_az                  = var.db_multi_az
  backup_retention_days     = var.db_backup_retention_days
  deletion_protection       = var.deletion_protection
  kms_key_arn               = aws_kms_key.this.arn
}
