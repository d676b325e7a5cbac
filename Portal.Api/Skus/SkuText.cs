namespace Portal.Api.Skus;

/// <summary>Texts of the SKU registry: field names, choices and messages (SkuText.resx, SkuText.ko.resx).</summary>
public sealed class SkuText;
