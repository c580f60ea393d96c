# dev: the whole platform at the smallest size that keeps its shape (three Kafka and MongoDB
# members, one per node): one k3s server that also runs workloads, two workers.
module "platform" {
  source          = "../../modules/platform"
  name            = "boxoffice-dev"
  host            = var.host
  certificate_arn = var.certificate_arn
  vpc_cidr        = "10.10.0.0/16"
  # One NAT gateway: a zone outage may cut dev off, which is acceptable there.
  nat_per_az = false

  k3s_version          = "v1.33.5+k3s1"
  server_count         = 1
  dedicated_servers    = false
  server_instance_type = "m6i.large"
  worker_instance_type = "m6i.xlarge"
  worker_min           = 2
  worker_max           = 4
  worker_volume_gb     = 100
  api_allowed_cidrs    = var.api_allowed_cidrs

  db_instance_class        = "db.t4g.medium"
  db_storage_gb            = 50
  db_multi_az              = false
  db_backup_retention_days = 7
  deletion_protection      = false
}
