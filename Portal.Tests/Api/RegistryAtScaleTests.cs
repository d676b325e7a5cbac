using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Organizations;
using Portal.Api.Skus;
using Portal.Data;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Api;

/// <summary>
/// Issue 12, registry at scale: keyset pages, the queries behind search and figure sorts (their plans), autocompletes
/// without counts, and the token and its caller read in one query.
/// </summary>
public sealed class RegistryAtScaleTests(RegistryAtScaleTests.Registry registry) : IClassFixture<RegistryAtScaleTests.Registry>
{
    /// <summary>Every SQL command the portal sends, with its parameters, so that a test can count them and EXPLAIN them.</summary>
    public sealed class CommandLog : DbCommandInterceptor
    {
        /// <param name="Context">The context that sent it; null for one sent without EF.</param>
        public sealed record Command(string Text, NpgsqlParameter[] Parameters, DbContextId? Context = null);

        private readonly ConcurrentQueue<Command> _commands = new();

        public IReadOnlyList<Command> Commands => [.. _commands];

        public void Clear() => _commands.Clear();

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Record(command, eventData.Context);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command, eventData.Context);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Record(command, eventData.Context);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Record(command, eventData.Context);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command, DbContext? context) =>
            _commands.Enqueue(new Command(command.CommandText, [.. command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone())], context?.ContextId));
    }

    /// <summary>
    /// Three vendors and 42 SKUs: names repeated across vendors, figures with ties and unknown ones, so that an order
    /// leans on every one of its keys.
    /// </summary>
    public sealed class Registry : PortalFactory
    {
        public CommandLog Log { get; } = new();
        public Guid[] Vendors { get; private set; } = [];
        public HttpClient Client { get; private set; } = null!;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.ConfigureDbContext<PortalDbContext>(options => options.AddInterceptors(Log), ServiceLifetime.Singleton));
        }

        protected override async Task StartedAsync()
        {
            Vendors =
            [
                await AddOrganizationAsync("Aurora Silicon", OrganizationKind.ChipDesigner, "KR"),
                await AddOrganizationAsync("Borealis Compute", OrganizationKind.ChipDesigner, "DE"),
                await AddOrganizationAsync("Cirrus Memory", OrganizationKind.MemoryMaker, "JP"),
            ];
            for (var i = 0; i < 42; i++)
            {
                var n = i;
                await this.AddSkuAsync(Vendors[n % 3], $"Chip {n / 3:D2}", configure: s =>
                {
                    s.Bf16Tflops = n % 5 == 0 ? null : n % 7 * 100;
                    s.MemoryGb = n % 4 == 0 ? null : n % 6 * 16;
                    s.TdpW = n % 3 == 0 ? null : 300 + n % 2 * 100;
                    s.MemoryType = n % 2 == 0 ? "HBM3e" : null;
                });
            }
            // Finnish deployments for the deployment cursor: planned MW with ties and unknowns.
            for (var i = 0; i < FinnishDeployments; i++)
                await this.AddDeploymentAsync($"Suomi {i:D2}", "FI", plannedMw: i % 4 == 0 ? null : i % 3 * 10, installedMw: i % 5 == 0 ? null : i % 2 * 5);
            Client = CreateBootstrapClient();
        }

        public const int FinnishDeployments = 13;
    }

    private Task<PagedList<SkuListItem>> ListAsync(string query) =>
        registry.Client.GetJsonAsync<PagedList<SkuListItem>>("/api/v1/skus?" + query);

    [Theory]
    [InlineData("name")]
    [InlineData("-name")]
    [InlineData("bf16Tflops")]
    [InlineData("-bf16Tflops")]
    [InlineData("-memoryGb")]
    [InlineData("tdpW")]
    [InlineData("-tdpW")]
    public async Task Cursor_pages_return_the_same_rows_as_offset_pages(string sort)
    {
        var byOffset = new List<Guid>();
        for (var page = 1; ; page++)
        {
            var rows = await ListAsync($"sort={sort}&pageSize=5&page={page}");
            byOffset.AddRange(rows.Items.Select(s => s.Id));
            if (rows.Items.Count < 5)
                break;
        }
        var byCursor = new List<Guid>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var rows = await ListAsync($"sort={sort}&pageSize=5" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(cursor is null ? 1 : 0, rows.Page);
            byCursor.AddRange(rows.Items.Select(s => s.Id));
            cursor = rows.NextCursor;
            Assert.True(++pages <= 10, "the cursor pages do not end");
        }
        while (cursor is not null);

        Assert.Equal(42, byOffset.Count);
        Assert.Equal(byOffset, byCursor);
    }

    [Fact]
    public async Task A_cursor_page_stays_put_when_rows_are_added_before_it()
    {
        var first = await ListAsync("sort=-bf16Tflops&pageSize=5");
        var second = await ListAsync("sort=-bf16Tflops&pageSize=5&page=2");
        var added = await registry.AddSkuAsync(registry.Vendors[2], "Chip 99", configure: s => s.Bf16Tflops = 5000);
        try
        {
            var after = await ListAsync($"sort=-bf16Tflops&pageSize=5&cursor={first.NextCursor}");
            var shifted = await ListAsync("sort=-bf16Tflops&pageSize=5&page=2");

            Assert.Equal(second.Items.Select(s => s.Id), after.Items.Select(s => s.Id));
            Assert.NotEqual(second.Items.Select(s => s.Id), shifted.Items.Select(s => s.Id));
        }
        finally
        {
            await registry.WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == added).ExecuteDeleteAsync());
        }
    }

    [Theory]
    [InlineData("sort=vendor&cursor=abc", "cursor")]
    [InlineData("sort=name&cursor=not-a-cursor", "cursor")]
    [InlineData("sort=-bf16Tflops&cursor={name}", "cursor")]
    [InlineData("sort=name&page=2&cursor={name}", "page")]
    public async Task A_cursor_from_another_order_or_with_a_page_is_a_400_naming_its_field(string query, string field)
    {
        var byName = await ListAsync("sort=name&pageSize=5");
        var problem = await registry.Client.GetAsync("/api/v1/skus?" + query.Replace("{name}", byName.NextCursor)).ExpectValidationProblemAsync();
        Assert.Equal([field], problem.Errors.Keys);
    }

    [Fact]
    public async Task The_search_reads_one_trigram_index_over_the_name_the_memory_type_and_the_vendor()
    {
        var plan = await PlanOfAsync("/api/v1/skus?q=aurora&sort=name", "LIKE");

        Assert.Contains("ix_hardware_skus_search_text_trgm", plan);
        Assert.DoesNotContain("organizations", plan.Split("Index Cond")[0], StringComparison.Ordinal);
        Assert.Equal(14, (await ListAsync("q=aurora")).Total);
        Assert.Equal(21, (await ListAsync("q=hbm3")).Total);
        Assert.Equal(21, (await ListAsync("q=HBM3E")).Total);
        Assert.Equal(12, (await ListAsync("q=chip 1")).Total);
        // No match across two parts of the search text (name, then memory type).
        Assert.Equal(0, (await ListAsync("q=00hbm")).Total);
        Assert.Equal(0, (await ListAsync("q=100%")).Total);
    }

    [Fact]
    public async Task A_search_by_name_sorts_the_matches_instead_of_walking_the_name_index()
    {
        // Read in name order, a page of a common term costs every row before its first match (EXPLAIN in docs/benchmarks.md).
        var plan = await PlanOfAsync("/api/v1/skus?q=chip&sort=name&pageSize=5", "LIKE");

        Assert.Contains("ix_hardware_skus_search_text_trgm", plan);
        Assert.DoesNotContain("ix_hardware_skus_name", plan);
        var bySearch = await ListAsync("q=chip&sort=-name&pageSize=50");
        var all = await ListAsync("sort=-name&pageSize=50");
        Assert.Equal(all.Items.Where(s => s.Name.Contains("Chip", StringComparison.Ordinal)).Select(s => s.Id), bySearch.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task A_renamed_vendor_is_found_by_its_new_name_and_its_skus_edited_keep_being_found()
    {
        var vendor = await registry.AddOrganizationAsync("Zephyr Logic", OrganizationKind.ChipDesigner, "FR");
        var sku = await registry.AddSkuAsync(vendor, "Breeze 1", configure: s => s.MemoryType = "GDDR7");
        try
        {
            Assert.Equal([sku], (await ListAsync("q=zephyr")).Items.Select(s => s.Id));
            await registry.WithDbAsync(db => db.Organizations.Where(o => o.Id == vendor).ExecuteUpdateAsync(o => o.SetProperty(x => x.Name, "Mistral Logic")));
            Assert.Equal([sku], (await ListAsync("q=mistral")).Items.Select(s => s.Id));
            Assert.Empty((await ListAsync("q=zephyr")).Items);

            await registry.WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == sku).ExecuteUpdateAsync(s => s.SetProperty(x => x.MemoryType, "HBM4")));
            Assert.Equal([sku], (await ListAsync("q=hbm4")).Items.Select(s => s.Id));
            Assert.Equal([sku], (await ListAsync("q=mistral logic")).Items.Select(s => s.Id));
        }
        finally
        {
            await registry.WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == sku).ExecuteDeleteAsync());
            await registry.WithDbAsync(db => db.Organizations.Where(o => o.Id == vendor).ExecuteDeleteAsync());
        }
    }

    private Task<PagedList<DeploymentListItem>> DeploymentsAsync(string query) =>
        registry.Client.GetJsonAsync<PagedList<DeploymentListItem>>("/api/v1/deployments?country=FI&" + query);

    [Theory]
    [InlineData("name")]
    [InlineData("-name")]
    [InlineData("plannedMw")]
    [InlineData("-plannedMw")]
    [InlineData("-installedMw")]
    public async Task Deployment_cursor_pages_return_the_same_rows_as_offset_pages(string sort)
    {
        var byOffset = new List<Guid>();
        for (var page = 1; ; page++)
        {
            var rows = await DeploymentsAsync($"sort={sort}&pageSize=4&page={page}");
            byOffset.AddRange(rows.Items.Select(d => d.Id));
            if (rows.Items.Count < 4)
                break;
        }
        var byCursor = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var rows = await DeploymentsAsync($"sort={sort}&pageSize=4" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(cursor is null ? 1 : 0, rows.Page);
            Assert.Equal(Registry.FinnishDeployments, rows.Total);
            byCursor.AddRange(rows.Items.Select(d => d.Id));
            cursor = rows.NextCursor;
            Assert.True(++pages <= 10, "the cursor pages do not end");
        }
        while (cursor is not null);

        Assert.Equal(Registry.FinnishDeployments, byOffset.Count);
        Assert.Equal(byOffset, byCursor);
    }

    [Theory]
    [InlineData("sort=status&cursor=abc", "cursor")]
    [InlineData("sort=name&cursor=not-a-cursor", "cursor")]
    [InlineData("sort=-plannedMw&cursor={name}", "cursor")]
    [InlineData("sort=name&page=2&cursor={name}", "page")]
    public async Task A_deployment_cursor_from_another_order_or_with_a_page_is_a_400_naming_its_field(string query, string field)
    {
        var byName = await DeploymentsAsync("sort=name&pageSize=4");
        var problem = await registry.Client.GetAsync("/api/v1/deployments?" + query.Replace("{name}", byName.NextCursor)).ExpectValidationProblemAsync();
        Assert.Equal([field], problem.Errors.Keys);
    }

    [Fact]
    public async Task A_deployment_cursor_page_seeks_its_index()
    {
        var cursor = (await DeploymentsAsync("sort=-plannedMw&pageSize=4")).NextCursor;
        var plan = await PlanOfAsync($"/api/v1/deployments?sort=-plannedMw&pageSize=4&cursor={cursor}", "ORDER BY");

        Assert.Contains("ix_sovereign_deployments_planned_mw_desc", plan);
        Assert.Contains("Index Cond", plan);
        Assert.DoesNotContain("hardware_lines", plan);
    }

    [Theory]
    [InlineData("sort=-bf16Tflops", "ix_hardware_skus_bf16tflops_desc")]
    [InlineData("sort=bf16Tflops", "ix_hardware_skus_bf16tflops_asc")]
    [InlineData("sort=-tdpW", "ix_hardware_skus_tdp_w_desc")]
    [InlineData("sort=-memoryGb&cursor={cursor}", "ix_hardware_skus_memory_gb_desc")]
    public async Task A_figure_sort_reads_its_expression_index_in_order_without_sorting(string query, string index)
    {
        var sort = query.Split('&')[0];
        var cursor = (await ListAsync(sort + "&pageSize=5")).NextCursor;
        var plan = await PlanOfAsync("/api/v1/skus?pageSize=5&" + query.Replace("{cursor}", cursor), "ORDER BY");

        Assert.Contains(index, plan);
        Assert.DoesNotContain("Sort", plan);
        if (query.Contains("cursor"))
            Assert.Contains("Index Cond", plan);
    }

    [Fact]
    public async Task Autocompletes_search_without_counting_the_matches()
    {
        var (skuCommands, skus) = await CommandsOfAsync(services =>
            services.GetRequiredService<SkuService>().SearchAsync(null, new SkuQuery { Q = "chip 0", PageSize = 20 }, CancellationToken.None));
        var (organizationCommands, organizations) = await CommandsOfAsync(services =>
            services.GetRequiredService<OrganizationService>().SearchAsync(new OrganizationQuery { Q = "silicon", PageSize = 20 }, CancellationToken.None));
        var (listCommands, _) = await CommandsOfAsync(services =>
            services.GetRequiredService<SkuService>().ListAsync(null, new SkuQuery { Q = "chip 02", PageSize = 20 }, CancellationToken.None));

        Assert.Equal(20, Assert.IsType<Outcome<IReadOnlyList<SkuListItem>>.Success>(skus).Value.Count);
        Assert.Equal(["Aurora Silicon"], Assert.IsType<Outcome<IReadOnlyList<OrganizationDto>>.Success>(organizations).Value.Select(o => o.Name));
        Assert.Single(skuCommands);
        Assert.Single(organizationCommands);
        // A count is a statement of its own (ListTotals); a row may carry counts of its own (an organisation's members).
        Assert.DoesNotContain(skuCommands.Concat(organizationCommands), IsCount);
        // The list counts: the same log sees the count when there is one.
        Assert.Contains(listCommands, IsCount);
    }

    [Fact]
    public async Task A_sku_detail_reads_only_the_lists_the_sku_has()
    {
        var plain = await registry.WithDbAsync(db => db.HardwareSkus.Where(s => s.Name == "Chip 05").Select(s => s.Id).FirstAsync());
        var system = await registry.AddSkuAsync(registry.Vendors[0], "Board of two", SkuCategory.Server);
        await registry.WithDbAsync(async db =>
        {
            db.SkuComponents.Add(new SkuComponent { SkuId = system, ComponentSkuId = plain, Count = 2 });
            db.Actor = Portal.Data.Audit.AuditActor.System;
            return await db.SaveChangesAsync();
        });
        try
        {
            var (plainCommands, plainDetail) = await CommandsOfAsync(services => services.GetRequiredService<SkuService>().GetAsync(null, system, CancellationToken.None));
            Assert.Equal(2, Reads(plainCommands));
            var board = Assert.IsType<Outcome<SkuDetail>.Success>(plainDetail).Value;
            Assert.Equal([(plain, 2)], board.Components.Select(c => (c.ComponentSkuId, c.Count)));
            Assert.Empty(board.UsedBy);

            var (partCommands, partDetail) = await CommandsOfAsync(services => services.GetRequiredService<SkuService>().GetAsync(null, plain, CancellationToken.None));
            Assert.Equal(2, Reads(partCommands));
            Assert.Equal([system], Assert.IsType<Outcome<SkuDetail>.Success>(partDetail).Value.UsedBy.Select(u => u.Id));
            await registry.WithDbAsync(db => db.SkuComponents.Where(c => c.SkuId == system).ExecuteDeleteAsync());

            var (aloneCommands, _) = await CommandsOfAsync(services => services.GetRequiredService<SkuService>().GetAsync(null, plain, CancellationToken.None));
            Assert.Equal(1, Reads(aloneCommands));
        }
        finally
        {
            await registry.WithDbAsync(db => db.SkuComponents.Where(c => c.SkuId == system).ExecuteDeleteAsync());
            await registry.WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == system).ExecuteDeleteAsync());
        }
    }

    [Fact]
    public async Task A_token_and_its_caller_are_read_in_one_query_and_remembered_until_the_next_save()
    {
        var user = await registry.CreateUserAsync("Script runner", memberships: (registry.Vendors[0], MemberRole.Member));
        using var client = await registry.CreateClientForAsync(user);
        static int IdentityReads(IEnumerable<CommandLog.Command> commands) => commands.Count(c =>
            c.Text.Contains("secret_hash", StringComparison.Ordinal) || c.Text.Contains("memberships", StringComparison.Ordinal));

        registry.Log.Clear();
        await client.GetAsync("/api/v1/tokens").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, IdentityReads(registry.Log.Commands));

        // Nothing saved since: the next requests act as the caller read then, without reading it again. The portal's background
        // loops may save meanwhile (which rightly makes it read again), so this looks for a window in which nothing was saved:
        // a request that brings the remembered caller up to date, then two that must not read it.
        Task<long> GenerationAsync() => registry.WithDbAsync(db => Task.FromResult(DataChanges.GenerationOf(db)));
        for (var attempt = 0; ; attempt++)
        {
            var before = await GenerationAsync();
            await client.GetAsync("/api/v1/tokens").ExpectAsync(HttpStatusCode.OK);
            registry.Log.Clear();
            await client.GetAsync("/api/v1/tokens").ExpectAsync(HttpStatusCode.OK);
            await client.GetAsync("/api/v1/tokens").ExpectAsync(HttpStatusCode.OK);
            if (await GenerationAsync() == before)
            {
                Assert.Equal(0, IdentityReads(registry.Log.Commands));
                break;
            }
            Assert.True(attempt < 50, "Something was saved during every one of 50 tries.");
        }

        // Any save may have changed a token, a role or an admin flag: the next request reads the caller again.
        await registry.AddOrganizationAsync($"Saved meanwhile {Guid.NewGuid():N}", OrganizationKind.Research, "KR");
        registry.Log.Clear();
        await client.GetAsync("/api/v1/tokens").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, IdentityReads(registry.Log.Commands));
    }

    [Fact]
    public async Task A_role_given_or_taken_counts_on_the_very_next_request()
    {
        var user = await registry.CreateUserAsync("Newcomer");
        using var client = await registry.CreateClientForAsync(user);
        var body = new { vendorId = registry.Vendors[1], name = "Chip granted", category = "gpu", lifecycle = "ga" };
        await client.PostJsonAsync("/api/v1/skus", body).ExpectAsync(HttpStatusCode.Forbidden);

        await registry.WithDbAsync(async db =>
        {
            db.Memberships.Add(new Membership { OrganizationId = registry.Vendors[1], UserId = user.Id, Role = MemberRole.Member, JoinedAt = db.Now });
            db.Actor = Portal.Data.Audit.AuditActor.System;
            return await db.SaveChangesAsync();
        });
        var created = await client.PostJsonAsync("/api/v1/skus", body).ExpectAsync<SkuDetail>(HttpStatusCode.Created);
        await registry.WithDbAsync(db => db.Memberships.Where(m => m.UserId == user.Id).ExecuteDeleteAsync());
        await client.DeleteAsync($"/api/v1/skus/{created.Id}").ExpectAsync(HttpStatusCode.Forbidden);

        await registry.WithDbAsync(db => db.HardwareSkus.Where(s => s.Id == created.Id).ExecuteDeleteAsync());
    }

    // The statements of a SKU's detail; an earlier request's token bookkeeping may land in the same log.
    private static int Reads(IEnumerable<CommandLog.Command> commands) =>
        commands.Count(c => !c.Text.Contains("api_tokens", StringComparison.Ordinal));

    private static bool IsCount(CommandLog.Command command) => command.Text.TrimStart().StartsWith("SELECT COUNT(", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The statements the work's own context sent. The portal's background loops share the log; their statements, and an
    /// earlier request's token bookkeeping, are not the work's.
    /// </summary>
    private async Task<(IReadOnlyList<CommandLog.Command> Commands, T Result)> CommandsOfAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        registry.Log.Clear();
        DbContextId? context = null;
        var result = await registry.InScopeAsync(services =>
        {
            context = services.GetRequiredService<PortalDbContext>().ContextId;
            return work(services);
        });
        return ([.. registry.Log.Commands.Where(c => c.Context == context)], result);
    }

    /// <summary>
    /// EXPLAIN of the command behind a request (the one whose SQL contains <paramref name="marker"/>), with sequential scans
    /// and sorts priced out: on a table this small the planner would rather scan it, so what this asks is whether an index
    /// can answer the query at all. A query written so that none can still gets its Seq Scan or Sort, at a prohibitive cost.
    /// </summary>
    private async Task<string> PlanOfAsync(string path, string marker)
    {
        registry.Log.Clear();
        await registry.Client.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        var command = registry.Log.Commands.Last(c => c.Text.Contains(marker, StringComparison.Ordinal) && !c.Text.Contains("COUNT(", StringComparison.Ordinal));

        await using var connection = new NpgsqlConnection(registry.Database.ConnectionString);
        await connection.OpenAsync();
        await using (var settings = new NpgsqlCommand("SET enable_seqscan = off; SET enable_sort = off; SET enable_hashagg = on", connection))
            await settings.ExecuteNonQueryAsync();
        await using var explain = new NpgsqlCommand("EXPLAIN " + command.Text, connection);
        foreach (var parameter in command.Parameters)
            explain.Parameters.Add(parameter.Clone());
        var lines = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(0));
        return string.Join('\n', lines);
    }
}
