namespace Portal.Components.Skus;

/// <summary>Texts of the SKU pages (SkuPageText.resx, SkuPageText.ko.resx); field names and rules live in SkuText.</summary>
public sealed class SkuPageText;
