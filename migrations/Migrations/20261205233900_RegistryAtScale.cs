using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class RegistryAtScale : Migration
    {
        private static readonly (string Table, string[] Columns)[] FigureSorts =
        [
            ("hardware_skus", ["memory_gb", "memory_bandwidth_tbs", "bf16tflops", "fp8tflops", "int8tops", "tdp_w"]),
            ("sovereign_deployments", ["planned_mw", "installed_mw"]),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:CollationDefinition:case_insensitive", "und-u-ks-level2,und-u-ks-level2,icu,False")
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,")
                .OldAnnotation("Npgsql:CollationDefinition:case_insensitive", "und-u-ks-level2,und-u-ks-level2,icu,False");

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_name_trgm",
                table: "sovereign_deployments",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_region_trgm",
                table: "sovereign_deployments",
                column: "region")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_site_trgm",
                table: "sovereign_deployments",
                column: "site")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_organizations_description_trgm",
                table: "organizations",
                column: "description")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_organizations_name_trgm",
                table: "organizations",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_organizations_website_trgm",
                table: "organizations",
                column: "website")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_memory_type_trgm",
                table: "hardware_skus",
                column: "memory_type")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_name_trgm",
                table: "hardware_skus",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            // Expression indexes for the figure sorts, in the order the lists ask for (SkuCatalogue.Figures, DeploymentFilters.Sort):
            // (x IS NULL), COALESCE(±x, 0), name, id, all ascending, so that a sorted page (and a cursor's row comparison)
            // is read in index order. EF cannot model an expression index, hence SQL.
            foreach (var (table, columns) in FigureSorts)
            {
                foreach (var column in columns)
                {
                    migrationBuilder.Sql($"CREATE INDEX ix_{table}_{column}_asc ON {table} (({column} IS NULL), (COALESCE({column}, 0.0)), name, id);");
                    migrationBuilder.Sql($"CREATE INDEX ix_{table}_{column}_desc ON {table} (({column} IS NULL), (COALESCE(-{column}, 0.0)), name, id);");
                }
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (table, columns) in FigureSorts)
            {
                foreach (var column in columns)
                {
                    migrationBuilder.Sql($"DROP INDEX ix_{table}_{column}_asc;");
                    migrationBuilder.Sql($"DROP INDEX ix_{table}_{column}_desc;");
                }
            }
            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_name_trgm",
                table: "sovereign_deployments");

            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_region_trgm",
                table: "sovereign_deployments");

            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_site_trgm",
                table: "sovereign_deployments");

            migrationBuilder.DropIndex(
                name: "ix_organizations_description_trgm",
                table: "organizations");

            migrationBuilder.DropIndex(
                name: "ix_organizations_name_trgm",
                table: "organizations");

            migrationBuilder.DropIndex(
                name: "ix_organizations_website_trgm",
                table: "organizations");

            migrationBuilder.DropIndex(
                name: "ix_hardware_skus_memory_type_trgm",
                table: "hardware_skus");

            migrationBuilder.DropIndex(
                name: "ix_hardware_skus_name_trgm",
                table: "hardware_skus");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:CollationDefinition:case_insensitive", "und-u-ks-level2,und-u-ks-level2,icu,False")
                .OldAnnotation("Npgsql:CollationDefinition:case_insensitive", "und-u-ks-level2,und-u-ks-level2,icu,False")
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
