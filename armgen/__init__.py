"""armgen: Azure Resource Manager deployments for network appliances, from one Python model."""

__version__ = "0.1.0"
