namespace Portal.Api.Runs;

/// <summary>Texts of runs and jobs (RunText.resx, RunText.ko.resx).</summary>
public sealed class RunText;
