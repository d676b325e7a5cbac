namespace Portal.Api.Conformance;

/// <summary>Messages of the conformance profiles and coverage (ConformanceText.resx, ConformanceText.ko.resx).</summary>
public sealed class ConformanceText;
