terraform {
  required_version = ">= 1.6.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.80"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
  # State in the bucket and lock table that terraform/bootstrap creates; the bucket name holds
  # the account id, so init supplies it: terraform init -backend-config="bucket=boxoffice-tfstate-<account>"
  backend "s3" {
    key            = "boxoffice/prod/terraform.tfstate"
    dynamodb_table = "boxoffice-terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = {
      Project     = "boxoffice"
      Environment = "prod"
      ManagedBy   = "terraform"
    }
  }
}
