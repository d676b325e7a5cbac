namespace Portal.Components.Runs;

/// <summary>Texts of the run page and its parts (RunPageText.resx, RunPageText.ko.resx).</summary>
public sealed class RunPageText;
