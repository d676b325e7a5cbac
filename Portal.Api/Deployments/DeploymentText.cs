namespace Portal.Api.Deployments;

/// <summary>Messages and labels of sovereign deployments (DeploymentText.resx, DeploymentText.ko.resx).</summary>
public sealed class DeploymentText;
