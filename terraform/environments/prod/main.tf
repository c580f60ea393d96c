# prod: three dedicated k3s servers (etcd quorum survives a zone), workers across three zones,
# PostgreSQL Multi-AZ, a NAT gateway per zone.
module "platform" {
  source          = "../../modules/platform"
  name            = "boxoffice-prod"
  host            = var.host
  certificate_arn = var.certificate_arn
  vpc_cidr        = "10.20.0.0/16"
  nat_per_az      = true

  k3s_version          = "v1.33.5+k3s1"
  server_count         = 3
  dedicated_servers    = true
  server_instance_type = "m6i.large"
  worker_instance_type = "m6i.2xlarge"
  worker_min           = 3
  worker_max           = 9
  worker_volume_gb     = 300
  api_allowed_cidrs    = var.api_allowed_cidrs

  db_instance_class        = "db.m6i.xlarge"
  db_storage_gb            = 200
  db_multi_az              = true
  db_backup_retention_days = 14
  deletion_protection      = true
}
