using System.ComponentModel.DataAnnotations;
using Portal.Api.Accounts;

namespace Portal.Startup;

/// <summary>The portal's own settings (section "Portal"), validated at start-up.</summary>
public sealed class PortalOptions : IValidatableObject
{
    public const string Section = "Portal";

    /// <summary>Where the embedded PostgreSQL cluster lives when no connection string is set.</summary>
    public string DataDirectory { get; set; } = ".data/pg";

    /// <summary>Load the demo organisations and demo users (default: in Development only).</summary>
    public bool? DemoData { get; set; }

    /// <summary>The demo users' password, Development only; production has none.</summary>
    public string? DemoPassword { get; set; }

    /// <summary>PORTAL_BOOTSTRAP_TOKEN: a consortium-admin API token with exactly this value is kept.</summary>
    public string? BootstrapToken { get; set; }

    /// <summary>
    /// PORTAL_LOCAL_AGENT_TOKEN: a registration token with exactly this value is kept for the organisation
    /// "Local agents", so that ./run.sh can attach an agent on this machine to this portal.
    /// </summary>
    public string? LocalAgentToken { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BootstrapToken is { Length: > 0 } bootstrap && bootstrap.Length < ApiTokenService.BootstrapMinimumLength)
            yield return new ValidationResult(
                $"PORTAL_BOOTSTRAP_TOKEN must be at least {ApiTokenService.BootstrapMinimumLength} characters long (e.g. openssl rand -hex 24).",
                [nameof(BootstrapToken)]);
        // Its first 12 characters are kept in clear (as for generated tokens): 32 more stay secret, 128 bits even in hex.
        if (LocalAgentToken is { Length: > 0 } local && (!local.StartsWith("cpr_", StringComparison.Ordinal) || local.Length < 44))
            yield return new ValidationResult("PORTAL_LOCAL_AGENT_TOKEN must start with 'cpr_' and be at least 44 characters long.", [nameof(LocalAgentToken)]);
        if (DemoData == true && string.IsNullOrWhiteSpace(DemoPassword))
            yield return new ValidationResult("Portal:DemoPassword is required when demo data is loaded.", [nameof(DemoPassword)]);
    }
}
