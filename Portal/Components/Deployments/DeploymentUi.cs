namespace Portal.Components.Deployments;

/// <summary>Texts of the deployment pages (DeploymentUi.resx, DeploymentUi.ko.resx).</summary>
public sealed class DeploymentUi;
