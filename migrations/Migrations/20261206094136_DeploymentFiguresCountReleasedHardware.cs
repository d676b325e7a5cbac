using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <summary>
    /// A deployment's figures count only its lines of released (public) SKUs. A line of a private or embargoed SKU counted
    /// before, and its units times TFLOP/s, less the listed lines, told a visitor the unreleased chip's datasheet figure. The
    /// figures are the same for every reader, so they stay one row per deployment; a SKU's release refreshes them.
    /// </summary>
    public partial class DeploymentFiguresCountReleasedHardware : Migration
    {
        private const string AcceleratorJoin = "JOIN hardware_skus k ON k.id = l.sku_id AND k.category IN ('gpu', 'npu', 'asic')";

        private static string Replaced(string function) => function.Replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", StringComparison.Ordinal);

        private static string SkuTrigger(string columns, string condition) => $"""
            DROP TRIGGER hardware_skus_refresh_figures ON hardware_skus;
            CREATE TRIGGER hardware_skus_refresh_figures AFTER UPDATE OF {columns} ON hardware_skus
                FOR EACH ROW WHEN ({condition})
                EXECUTE FUNCTION hardware_skus_refresh_figures();
            """;

        private const string Columns = "category, bf16tflops, vendor_id";
        private const string Condition = "OLD.category IS DISTINCT FROM NEW.category OR OLD.bf16tflops IS DISTINCT FROM NEW.bf16tflops OR OLD.vendor_id IS DISTINCT FROM NEW.vendor_id";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            var refresh = Replaced(RegistryFiguresAndSearch.RefreshFunctionSql);
            if (!refresh.Contains(AcceleratorJoin, StringComparison.Ordinal))
                throw new InvalidOperationException("The figures' SKU join is not where this migration expects it.");
            migrationBuilder.Sql(refresh.Replace(AcceleratorJoin, AcceleratorJoin + " AND k.publication = 'public'", StringComparison.Ordinal));
            migrationBuilder.Sql(SkuTrigger(Columns + ", publication", Condition + " OR OLD.publication IS DISTINCT FROM NEW.publication"));
            // Deployments with a line of an unreleased SKU: their figures lose it now.
            migrationBuilder.Sql("""
                SELECT refresh_deployment_figures(u.deployment_id)
                FROM (SELECT DISTINCT l.deployment_id FROM hardware_lines l JOIN hardware_skus k ON k.id = l.sku_id
                      WHERE k.publication <> 'public' ORDER BY 1) u;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Replaced(RegistryFiguresAndSearch.RefreshFunctionSql));
            migrationBuilder.Sql(SkuTrigger(Columns, Condition));
            migrationBuilder.Sql("SELECT refresh_deployment_figures(deployment_id) FROM deployment_figures;");
        }
    }
}
