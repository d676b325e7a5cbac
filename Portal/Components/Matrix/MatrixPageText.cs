namespace Portal.Components.Matrix;

/// <summary>Texts of the compatibility matrix page (MatrixPageText.resx, MatrixPageText.ko.resx).</summary>
public sealed class MatrixPageText;
