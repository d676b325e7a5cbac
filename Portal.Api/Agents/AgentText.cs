namespace Portal.Api.Agents;

/// <summary>Messages about agents, their devices and registration tokens (AgentText.resx, AgentText.ko.resx).</summary>
public sealed class AgentText;
