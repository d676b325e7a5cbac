namespace Portal.Components.Agents;

/// <summary>Texts of the agents page (AgentPageText.resx, AgentPageText.ko.resx); API messages live in AgentText.</summary>
public sealed class AgentPageText;
