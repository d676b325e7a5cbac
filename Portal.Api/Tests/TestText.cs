namespace Portal.Api.Tests;

/// <summary>Texts of compatibility tests and submissions: field names and messages (TestText.resx, TestText.ko.resx).</summary>
public sealed class TestText;
