namespace Portal.Components.Tests;

/// <summary>Texts of the test pages and the code editor (TestPageText.resx, TestPageText.ko.resx); field rules live in TestText.</summary>
public sealed class TestPageText;
