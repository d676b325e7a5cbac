using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Components.Shared;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Database;

namespace Portal.Tests.Localization;

/// <summary>
/// Issue 15: the audit history shows names and translated field labels, not ids. Every field the audit can record has a
/// label in English and Korean, and a part's field names its part by kind and by the name of what it points at.
/// </summary>
public sealed class AuditLabelTests
{
    /// <summary>What <c>AuditRecorder</c> leaves out of an entry (kept in step with it).</summary>
    private static readonly HashSet<string> Unrecorded = ["SecretHash", "Secret", "TokenHash", "TokenPrefix", "ParentTokenId", "Version", "UpdatedAt", "CreatedAt", "LastUsedAt", "LastHeartbeatAt", "LastSeenAt"];

    public static IEnumerable<string> RecordedFields()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalDataExtensions.Configure(options, "Host=unused");
        using var db = new PortalDbContext(options.Options);
        return db.Model.GetEntityTypes()
            .Where(t => typeof(IAudited).IsAssignableFrom(t.ClrType))
            .SelectMany(t => t.GetProperties().Where(p => !p.IsShadowProperty()).Select(p => p.Name)
                .Concat(t.GetSkipNavigations().Select(n => n.Name)))
            .Where(name => !Unrecorded.Contains(name))
            .Distinct().Order();
    }

    [Fact]
    public void Every_recorded_field_has_a_label_in_english_and_korean()
    {
        var fields = RecordedFields().ToList();
        Assert.Contains("OrganizationId", fields);
        foreach (var culture in new[] { "en", "ko" })
        {
            using var _ = new CultureScope(culture);
            var missing = fields.Where(f => Localized<SharedPageText>.Find("Field." + f) is null).ToList();
            Assert.True(missing.Count == 0, $"{culture}: no label for {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void A_parts_field_reads_as_its_kind_the_name_it_points_at_and_the_label()
    {
        var organization = Guid.CreateVersion7().ToString();
        var line = Guid.CreateVersion7().ToString();
        var names = new Dictionary<string, string> { [organization] = "Rebellions" };
        using (new CultureScope("en"))
        {
            Assert.Equal("Participant Rebellions (operator): Role", AuditLabels.Field($"Participant {organization} (operator): Role", names));
            Assert.Equal("Hardware line: Count", AuditLabels.Field($"Hardware line {line}: Count", names));
            Assert.Equal("Device 0: Name", AuditLabels.Field("Device 0: Name", names));
            // An id without a name (its record gone) is not shown as a GUID in the label either.
            Assert.Equal("Participant (operator): Role", AuditLabels.Field($"Participant {Guid.CreateVersion7()} (operator): Role", names));
        }
        using (new CultureScope("ko"))
        {
            var label = AuditLabels.Field($"Participant {organization} (operator): Role", names);
            Assert.Contains("Rebellions", label, StringComparison.Ordinal);
            Assert.DoesNotContain("Participant", label, StringComparison.Ordinal);
            Assert.DoesNotContain("operator", label, StringComparison.Ordinal);
        }
    }

    private sealed class CultureScope : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture, _ui = CultureInfo.CurrentUICulture;

        public CultureScope(string name) => CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(name);

        public void Dispose()
        {
            CultureInfo.CurrentCulture = _culture;
            CultureInfo.CurrentUICulture = _ui;
        }
    }
}
