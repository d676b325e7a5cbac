namespace Portal.Api.Common;

/// <summary>Messages every feature's rules share (SharedText.resx, SharedText.ko.resx).</summary>
public sealed class SharedText;
