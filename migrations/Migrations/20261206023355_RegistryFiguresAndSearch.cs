using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class RegistryFiguresAndSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_hardware_skus_memory_type_trgm",
                table: "hardware_skus");

            migrationBuilder.DropIndex(
                name: "ix_hardware_skus_name_trgm",
                table: "hardware_skus");

            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "hardware_skus",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "deployment_figures",
                columns: table => new
                {
                    deployment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    planned_accelerators = table.Column<long>(type: "bigint", nullable: false),
                    installed_accelerators = table.Column<long>(type: "bigint", nullable: false),
                    planned_tflops = table.Column<double>(type: "double precision", nullable: false),
                    installed_tflops = table.Column<double>(type: "double precision", nullable: false),
                    units_without_bf16 = table.Column<long>(type: "bigint", nullable: false),
                    domestic_accelerators = table.Column<long>(type: "bigint", nullable: false),
                    next_milestone_id = table.Column<Guid>(type: "uuid", nullable: true),
                    next_milestone_date = table.Column<DateOnly>(type: "date", nullable: true),
                    next_milestone_title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    next_milestone_status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deployment_figures", x => x.deployment_id);
                    table.ForeignKey(
                        name: "fk_deployment_figures_deployments_deployment_id",
                        column: x => x.deployment_id,
                        principalTable: "sovereign_deployments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // EF cannot model triggers, hence SQL. search_text (SkuSearch): the SKU's name, memory type and vendor name in lower
            // case, joined by U+001F; set before every write of a SKU's parts, and on every SKU of a vendor renamed.
            migrationBuilder.Sql(SearchTextSql);
            // The SKUs already there, in one statement (the trigger's expression; through the trigger, a row at a time, 100,000
            // SKUs took 113 s on a loaded machine).
            migrationBuilder.Sql("""
                UPDATE hardware_skus h SET search_text = lower(h.name || chr(31) || COALESCE(h.memory_type, '') || chr(31) || o.name)
                FROM organizations o WHERE o.id = h.vendor_id;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_search_text_trgm",
                table: "hardware_skus",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            // deployment_figures (DeploymentFigures): one row per deployment, refreshed by triggers in the transaction of every
            // write it depends on; then filled for the deployments already there.
            migrationBuilder.Sql(FiguresSql);
            migrationBuilder.Sql("""
                INSERT INTO deployment_figures (deployment_id, planned_accelerators, installed_accelerators, planned_tflops, installed_tflops, units_without_bf16, domestic_accelerators)
                SELECT id, 0, 0, 0, 0, 0, 0 FROM sovereign_deployments;
                SELECT refresh_deployment_figures(id) FROM sovereign_deployments;
                """);
        }

        private const string SearchTextSql = """
            CREATE FUNCTION hardware_skus_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE vendor text;
            BEGIN
                -- FOR SHARE: a rename of the vendor at the same time waits for this write, or this write for the rename (and
                -- then reads the new name), so that neither misses the other.
                SELECT o.name INTO vendor FROM organizations o WHERE o.id = NEW.vendor_id FOR SHARE;
                NEW.search_text := lower(NEW.name || chr(31) || COALESCE(NEW.memory_type, '') || chr(31) || COALESCE(vendor, ''));
                RETURN NEW;
            END $$;
            CREATE TRIGGER hardware_skus_search_text BEFORE INSERT OR UPDATE OF name, memory_type, vendor_id ON hardware_skus
                FOR EACH ROW EXECUTE FUNCTION hardware_skus_search_text();

            CREATE FUNCTION organizations_sku_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE hardware_skus SET search_text = lower(name || chr(31) || COALESCE(memory_type, '') || chr(31) || NEW.name)
                WHERE vendor_id = NEW.id;
                RETURN NULL;
            END $$;
            CREATE TRIGGER organizations_sku_search_text AFTER UPDATE OF name ON organizations
                FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION organizations_sku_search_text();
            """;

        // The sums are those DeploymentRows computed per request before: accelerators are SKUs of category gpu, npu or asic
        // (SkuCategories.Accelerators); domestic ones come from a vendor of the deployment's country; the next milestone is
        // the earliest not done, by date then title.
        private const string FiguresSql = RefreshFunctionSql + FiguresTriggersSql;

        /// <summary>The refresh of one deployment's figures as this migration made it (DeploymentFiguresCountReleasedHardware changes it).</summary>
        internal const string RefreshFunctionSql = """
            CREATE FUNCTION refresh_deployment_figures(deployment uuid) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                -- Lock the row first. In READ COMMITTED the UPDATE below then reads with a new snapshot, which holds the lines and
                -- milestones of a concurrent writer of this deployment that held the lock before: writers of one deployment's
                -- figures take turns, and the last one counts everything committed.
                PERFORM 1 FROM deployment_figures WHERE deployment_id = deployment FOR UPDATE;
                UPDATE deployment_figures f SET
                    planned_accelerators = s.planned_accelerators, installed_accelerators = s.installed_accelerators,
                    planned_tflops = s.planned_tflops, installed_tflops = s.installed_tflops,
                    units_without_bf16 = s.units_without_bf16, domestic_accelerators = s.domestic_accelerators,
                    next_milestone_id = n.id, next_milestone_date = n.date, next_milestone_title = n.title, next_milestone_status = n.status
                FROM (
                    SELECT COALESCE(SUM(l.planned_units), 0) AS planned_accelerators,
                           COALESCE(SUM(l.installed_units), 0) AS installed_accelerators,
                           COALESCE(SUM(l.planned_units * k.bf16tflops), 0) AS planned_tflops,
                           COALESCE(SUM(l.installed_units * k.bf16tflops), 0) AS installed_tflops,
                           COALESCE(SUM(l.planned_units) FILTER (WHERE k.bf16tflops IS NULL), 0) AS units_without_bf16,
                           COALESCE(SUM(l.planned_units) FILTER (WHERE v.country = d.country), 0) AS domestic_accelerators
                    FROM sovereign_deployments d
                    JOIN hardware_lines l ON l.deployment_id = d.id
                    JOIN hardware_skus k ON k.id = l.sku_id AND k.category IN ('gpu', 'npu', 'asic')
                    JOIN organizations v ON v.id = k.vendor_id
                    WHERE d.id = deployment) s
                LEFT JOIN LATERAL (
                    SELECT m.id, m.date, m.title, m.status FROM milestones m
                    WHERE m.deployment_id = deployment AND m.status <> 'done'
                    ORDER BY m.date, m.title LIMIT 1) n ON true
                WHERE f.deployment_id = deployment;
            END $$;

            """;

        private const string FiguresTriggersSql = """
            CREATE FUNCTION deployment_parts_refresh_figures() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    PERFORM refresh_deployment_figures(OLD.deployment_id);
                END IF;
                IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.deployment_id IS DISTINCT FROM OLD.deployment_id) THEN
                    PERFORM refresh_deployment_figures(NEW.deployment_id);
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER hardware_lines_refresh_figures AFTER INSERT OR DELETE OR UPDATE OF deployment_id, sku_id, planned_units, installed_units
                ON hardware_lines FOR EACH ROW EXECUTE FUNCTION deployment_parts_refresh_figures();
            CREATE TRIGGER milestones_refresh_figures AFTER INSERT OR DELETE OR UPDATE OF deployment_id, date, title, status
                ON milestones FOR EACH ROW EXECUTE FUNCTION deployment_parts_refresh_figures();

            CREATE FUNCTION sovereign_deployments_figures() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO deployment_figures (deployment_id, planned_accelerators, installed_accelerators, planned_tflops, installed_tflops, units_without_bf16, domestic_accelerators)
                    VALUES (NEW.id, 0, 0, 0, 0, 0, 0);
                ELSE
                    PERFORM refresh_deployment_figures(NEW.id);
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER sovereign_deployments_figures_insert AFTER INSERT ON sovereign_deployments
                FOR EACH ROW EXECUTE FUNCTION sovereign_deployments_figures();
            CREATE TRIGGER sovereign_deployments_figures_country AFTER UPDATE OF country ON sovereign_deployments
                FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country) EXECUTE FUNCTION sovereign_deployments_figures();

            -- A SKU's category, bf16 figure or vendor, and a vendor's country, count in the figures of every deployment using it
            -- (refreshed in deployment order, so that two such writes lock figures in the same order).
            CREATE FUNCTION hardware_skus_refresh_figures() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM refresh_deployment_figures(u.deployment_id)
                FROM (SELECT DISTINCT l.deployment_id FROM hardware_lines l WHERE l.sku_id = NEW.id ORDER BY 1) u;
                RETURN NULL;
            END $$;
            CREATE TRIGGER hardware_skus_refresh_figures AFTER UPDATE OF category, bf16tflops, vendor_id ON hardware_skus
                FOR EACH ROW WHEN (OLD.category IS DISTINCT FROM NEW.category OR OLD.bf16tflops IS DISTINCT FROM NEW.bf16tflops
                                   OR OLD.vendor_id IS DISTINCT FROM NEW.vendor_id)
                EXECUTE FUNCTION hardware_skus_refresh_figures();

            CREATE FUNCTION organizations_refresh_figures() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM refresh_deployment_figures(u.deployment_id)
                FROM (SELECT DISTINCT l.deployment_id FROM hardware_lines l JOIN hardware_skus k ON k.id = l.sku_id
                      WHERE k.vendor_id = NEW.id ORDER BY 1) u;
                RETURN NULL;
            END $$;
            CREATE TRIGGER organizations_refresh_figures AFTER UPDATE OF country ON organizations
                FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country) EXECUTE FUNCTION organizations_refresh_figures();
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER organizations_refresh_figures ON organizations;
                DROP TRIGGER hardware_skus_refresh_figures ON hardware_skus;
                DROP TRIGGER sovereign_deployments_figures_country ON sovereign_deployments;
                DROP TRIGGER sovereign_deployments_figures_insert ON sovereign_deployments;
                DROP TRIGGER milestones_refresh_figures ON milestones;
                DROP TRIGGER hardware_lines_refresh_figures ON hardware_lines;
                DROP TRIGGER organizations_sku_search_text ON organizations;
                DROP TRIGGER hardware_skus_search_text ON hardware_skus;
                DROP FUNCTION organizations_refresh_figures();
                DROP FUNCTION hardware_skus_refresh_figures();
                DROP FUNCTION sovereign_deployments_figures();
                DROP FUNCTION deployment_parts_refresh_figures();
                DROP FUNCTION refresh_deployment_figures(uuid);
                DROP FUNCTION organizations_sku_search_text();
                DROP FUNCTION hardware_skus_search_text();
                """);

            migrationBuilder.DropTable(
                name: "deployment_figures");

            migrationBuilder.DropIndex(
                name: "ix_hardware_skus_search_text_trgm",
                table: "hardware_skus");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "hardware_skus");

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
        }
    }
}
