namespace Portal.Api.Jobs;

/// <summary>Messages about the queue and the agent protocol (JobText.resx, JobText.ko.resx).</summary>
public sealed class JobText;
