using Npgsql;
using NpgsqlTypes;
using Portal.Data.Database;
using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Data.Seed;

/// <summary>
/// A large, realistic-looking registry for load tests: N organisations, 10·N SKUs and N deployments
/// with hardware lines, milestones and participants, from a seeded generator so that two runs with
/// the same seed give the same data. Rows go in with binary COPY (one transaction) because EF's
/// change tracking would take minutes at this size; the bulk load itself is therefore not audited.
/// </summary>
public static class SyntheticRegistry
{
    public const string SeedName = "synthetic-registry";

    public sealed record Counts(int Organizations, int Skus, int Deployments, int HardwareLines, int Milestones, int Participants);

    public static async Task<Counts> LoadAsync(string connectionString, int organizations, int seed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(organizations, 10);
        // 100,000 SKUs go through their search-text and deployment-figure triggers row by row: 26 s on an idle 2-core
        // machine, past Npgsql's 30-s default on a busy one. The load is one transaction, so it gets a migration's patience.
        var patient = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = (int)PortalMigrations.StatementTimeout.TotalSeconds };
        await using var connection = new NpgsqlConnection(patient.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand("SELECT count(*) FROM applied_seeds WHERE name = @name", connection, transaction))
        {
            check.Parameters.AddWithValue("name", SeedName);
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! > 0)
                throw new InvalidOperationException("The synthetic registry is already loaded in this database; use a fresh database to load it again.");
        }

        var data = SyntheticRegistryData.Generate(organizations, seed, now);
        await CopyAsync(connection, "COPY organizations (id, name, kind, country, website, description, created_at, updated_at) FROM STDIN (FORMAT BINARY)",
            data.Organizations, (w, o) =>
            {
                w.Write(o.Id, NpgsqlDbType.Uuid);
                w.Write(o.Name, NpgsqlDbType.Varchar);
                w.Write(Naming.ToSnakeCase(o.Kind), NpgsqlDbType.Varchar);
                w.Write(o.Country, NpgsqlDbType.Char);
                w.Write(o.Website!, NpgsqlDbType.Varchar);
                w.WriteNull();
                w.Write(now, NpgsqlDbType.TimestampTz);
                w.Write(now, NpgsqlDbType.TimestampTz);
            }, cancellationToken);
        await CopyAsync(connection, "COPY hardware_skus (id, vendor_id, name, category, memory_gb, memory_type, memory_bandwidth_tbs, bf16tflops, fp8tflops, int8tops, tdp_w, process, form_factor, software_stack, languages, lifecycle, release_month, datasheet_url, device_name_patterns, created_at, updated_at) FROM STDIN (FORMAT BINARY)",
            data.Skus, (w, s) =>
            {
                w.Write(s.Id, NpgsqlDbType.Uuid);
                w.Write(s.VendorId, NpgsqlDbType.Uuid);
                w.Write(s.Name, NpgsqlDbType.Varchar);
                w.Write(Naming.ToSnakeCase(s.Category), NpgsqlDbType.Varchar);
                WriteNullable(w, s.MemoryGb);
                WriteText(w, s.MemoryType);
                WriteNullable(w, s.MemoryBandwidthTbs);
                WriteNullable(w, s.Bf16Tflops);
                WriteNullable(w, s.Fp8Tflops);
                WriteNullable(w, s.Int8Tops);
                WriteNullable(w, s.TdpW);
                WriteText(w, s.Process);
                WriteText(w, s.FormFactor);
                WriteText(w, s.SoftwareStack);
                w.Write(s.Languages.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                w.Write(Naming.ToSnakeCase(s.Lifecycle), NpgsqlDbType.Varchar);
                w.Write(s.ReleaseMonth!.Value, NpgsqlDbType.Date);
                w.WriteNull();
                w.Write(s.DeviceNamePatterns.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                w.Write(now, NpgsqlDbType.TimestampTz);
                w.Write(now, NpgsqlDbType.TimestampTz);
            }, cancellationToken);
        await CopyAsync(connection, "COPY sovereign_deployments (id, name, country, region, site, latitude, longitude, ministry_id, status, planned_mw, installed_mw, energy_sources, budget_amount, budget_currency, source_urls, notes, created_at, updated_at) FROM STDIN (FORMAT BINARY)",
            data.Deployments, (w, d) =>
            {
                w.Write(d.Id, NpgsqlDbType.Uuid);
                w.Write(d.Name, NpgsqlDbType.Varchar);
                w.Write(d.Country, NpgsqlDbType.Char);
                WriteText(w, d.Region);
                WriteText(w, d.Site);
                WriteNullable(w, d.Latitude);
                WriteNullable(w, d.Longitude);
                if (d.MinistryId is { } ministry) w.Write(ministry, NpgsqlDbType.Uuid); else w.WriteNull();
                w.Write(Naming.ToSnakeCase(d.Status), NpgsqlDbType.Varchar);
                WriteNullable(w, d.PlannedMw);
                WriteNullable(w, d.InstalledMw);
                w.Write(d.EnergySources.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                if (d.BudgetAmount is { } amount) w.Write(amount, NpgsqlDbType.Numeric); else w.WriteNull();
                WriteText(w, d.BudgetCurrency, NpgsqlDbType.Char);
                w.Write(d.SourceUrls.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                WriteText(w, d.Notes);
                w.Write(now, NpgsqlDbType.TimestampTz);
                w.Write(now, NpgsqlDbType.TimestampTz);
            }, cancellationToken);
        await CopyAsync(connection, "COPY deployment_participants (deployment_id, organization_id, role) FROM STDIN (FORMAT BINARY)",
            data.Participants, (w, p) =>
            {
                w.Write(p.DeploymentId, NpgsqlDbType.Uuid);
                w.Write(p.OrganizationId, NpgsqlDbType.Uuid);
                w.Write(Naming.ToSnakeCase(p.Role), NpgsqlDbType.Varchar);
            }, cancellationToken);
        // A deployment's figures (deployment_figures) follow its lines and milestones through row triggers. Loaded row by row
        // they would be refreshed once per row, by plans made while the tables were empty (sequential scans of the growing
        // table: a 100,000-SKU load ran past 30 minutes). So the two triggers are off for the load and each deployment is
        // refreshed once at the end. Only this transaction sees them off: the ALTERs lock both tables until the commit, by
        // which time the triggers are on again.
        await ExecuteAsync(connection, transaction, """
            ALTER TABLE hardware_lines DISABLE TRIGGER hardware_lines_refresh_figures;
            ALTER TABLE milestones DISABLE TRIGGER milestones_refresh_figures;
            """, cancellationToken);
        await CopyAsync(connection, "COPY hardware_lines (id, deployment_id, sku_id, planned_units, installed_units) FROM STDIN (FORMAT BINARY)",
            data.HardwareLines, (w, l) =>
            {
                w.Write(l.Id, NpgsqlDbType.Uuid);
                w.Write(l.DeploymentId, NpgsqlDbType.Uuid);
                w.Write(l.SkuId, NpgsqlDbType.Uuid);
                w.Write(l.PlannedUnits, NpgsqlDbType.Integer);
                w.Write(l.InstalledUnits, NpgsqlDbType.Integer);
            }, cancellationToken);
        await CopyAsync(connection, "COPY milestones (id, deployment_id, date, title, status, note) FROM STDIN (FORMAT BINARY)",
            data.Milestones, (w, m) =>
            {
                w.Write(m.Id, NpgsqlDbType.Uuid);
                w.Write(m.DeploymentId, NpgsqlDbType.Uuid);
                w.Write(m.Date, NpgsqlDbType.Date);
                w.Write(m.Title, NpgsqlDbType.Varchar);
                w.Write(Naming.ToSnakeCase(m.Status), NpgsqlDbType.Varchar);
                WriteText(w, m.Note);
            }, cancellationToken);

        await ExecuteAsync(connection, transaction, """
            ALTER TABLE hardware_lines ENABLE TRIGGER hardware_lines_refresh_figures;
            ALTER TABLE milestones ENABLE TRIGGER milestones_refresh_figures;
            ANALYZE hardware_lines, milestones;
            SELECT count(refresh_deployment_figures(id)) FROM (SELECT id FROM sovereign_deployments ORDER BY id) d;
            """, cancellationToken);

        await using (var mark = new NpgsqlCommand("INSERT INTO applied_seeds (name, applied_at) VALUES (@name, @at)", connection, transaction))
        {
            mark.Parameters.AddWithValue("name", SeedName);
            mark.Parameters.AddWithValue("at", now);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);

        // Fresh statistics and visibility map now rather than whenever autovacuum comes by, so the
        // planner sees the new sizes and counts can be answered from indexes alone.
        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE", connection))
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        return new Counts(data.Organizations.Count, data.Skus.Count, data.Deployments.Count,
            data.HardwareLines.Count, data.Milestones.Count, data.Participants.Count);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string copy, IEnumerable<T> rows,
        Action<NpgsqlBinaryImporter, T> write, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            write(importer, row);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static void WriteNullable(NpgsqlBinaryImporter writer, double? value)
    {
        if (value is { } v) writer.Write(v, NpgsqlDbType.Double); else writer.WriteNull();
    }

    private static void WriteText(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type = NpgsqlDbType.Varchar)
    {
        if (value is null) writer.WriteNull(); else writer.Write(value, type);
    }
}
