namespace Portal.Api.Operations;

/// <summary>Messages of the operations API (OperationsText.resx, OperationsText.ko.resx).</summary>
public sealed class OperationsText;
