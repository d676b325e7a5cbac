namespace Portal.Components.Operations;

/// <summary>Texts of the operations page (OperationsPageText.resx, OperationsPageText.ko.resx); API messages live in OperationsText.</summary>
public sealed class OperationsPageText;
