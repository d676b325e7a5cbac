using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SkusAndDeployments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hardware_skus",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    vendor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    category = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    memory_gb = table.Column<double>(type: "double precision", nullable: true),
                    memory_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    memory_bandwidth_tbs = table.Column<double>(type: "double precision", nullable: true),
                    bf16tflops = table.Column<double>(type: "double precision", nullable: true),
                    fp8tflops = table.Column<double>(type: "double precision", nullable: true),
                    int8tops = table.Column<double>(type: "double precision", nullable: true),
                    tdp_w = table.Column<double>(type: "double precision", nullable: true),
                    process = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    form_factor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    software_stack = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    languages = table.Column<List<string>>(type: "text[]", nullable: false),
                    lifecycle = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    release_month = table.Column<DateOnly>(type: "date", nullable: true),
                    datasheet_url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    device_name_patterns = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hardware_skus", x => x.id);
                    table.ForeignKey(
                        name: "fk_hardware_skus_organizations_vendor_id",
                        column: x => x.vendor_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sovereign_deployments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    region = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    site = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    latitude = table.Column<double>(type: "double precision", nullable: true),
                    longitude = table.Column<double>(type: "double precision", nullable: true),
                    ministry_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    planned_mw = table.Column<double>(type: "double precision", nullable: true),
                    installed_mw = table.Column<double>(type: "double precision", nullable: true),
                    energy_sources = table.Column<List<string>>(type: "text[]", nullable: false),
                    budget_amount = table.Column<decimal>(type: "numeric(20,2)", precision: 20, scale: 2, nullable: true),
                    budget_currency = table.Column<string>(type: "character(3)", fixedLength: true, maxLength: 3, nullable: true),
                    source_urls = table.Column<List<string>>(type: "text[]", nullable: false),
                    notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sovereign_deployments", x => x.id);
                    table.CheckConstraint("ck_sovereign_deployments_budget", "(budget_amount IS NULL) = (budget_currency IS NULL)");
                    table.CheckConstraint("ck_sovereign_deployments_latitude", "latitude BETWEEN -90 AND 90");
                    table.CheckConstraint("ck_sovereign_deployments_longitude", "longitude BETWEEN -180 AND 180");
                    table.ForeignKey(
                        name: "fk_sovereign_deployments_organizations_ministry_id",
                        column: x => x.ministry_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sku_components",
                columns: table => new
                {
                    sku_id = table.Column<Guid>(type: "uuid", nullable: false),
                    component_sku_id = table.Column<Guid>(type: "uuid", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sku_components", x => new { x.sku_id, x.component_sku_id });
                    table.CheckConstraint("ck_sku_components_count", "count > 0");
                    table.ForeignKey(
                        name: "fk_sku_components_hardware_skus_component_sku_id",
                        column: x => x.component_sku_id,
                        principalTable: "hardware_skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_sku_components_hardware_skus_sku_id",
                        column: x => x.sku_id,
                        principalTable: "hardware_skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "deployment_participants",
                columns: table => new
                {
                    deployment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deployment_participants", x => new { x.deployment_id, x.organization_id, x.role });
                    table.ForeignKey(
                        name: "fk_deployment_participants_deployments_deployment_id",
                        column: x => x.deployment_id,
                        principalTable: "sovereign_deployments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_deployment_participants_organizations_organization_id",
                        column: x => x.organization_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "hardware_lines",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    deployment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sku_id = table.Column<Guid>(type: "uuid", nullable: false),
                    planned_units = table.Column<int>(type: "integer", nullable: false),
                    installed_units = table.Column<int>(type: "integer", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hardware_lines", x => x.id);
                    table.CheckConstraint("ck_hardware_lines_installed", "installed_units >= 0 AND installed_units <= planned_units");
                    table.CheckConstraint("ck_hardware_lines_planned", "planned_units >= 0");
                    table.ForeignKey(
                        name: "fk_hardware_lines_deployments_deployment_id",
                        column: x => x.deployment_id,
                        principalTable: "sovereign_deployments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_hardware_lines_hardware_skus_sku_id",
                        column: x => x.sku_id,
                        principalTable: "hardware_skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "milestones",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    deployment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_milestones", x => x.id);
                    table.ForeignKey(
                        name: "fk_milestones_deployments_deployment_id",
                        column: x => x.deployment_id,
                        principalTable: "sovereign_deployments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_deployment_participants_organization_id_role",
                table: "deployment_participants",
                columns: new[] { "organization_id", "role" });

            migrationBuilder.CreateIndex(
                name: "ix_hardware_lines_deployment_id_sku_id",
                table: "hardware_lines",
                columns: new[] { "deployment_id", "sku_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hardware_lines_sku_id",
                table: "hardware_lines",
                column: "sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_category",
                table: "hardware_skus",
                column: "category");

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_languages",
                table: "hardware_skus",
                column: "languages")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_lifecycle",
                table: "hardware_skus",
                column: "lifecycle");

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_name",
                table: "hardware_skus",
                column: "name");

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_vendor_id_name",
                table: "hardware_skus",
                columns: new[] { "vendor_id", "name" },
                unique: true)
                .Annotation("Relational:Collation", new[] { null, "case_insensitive" });

            migrationBuilder.CreateIndex(
                name: "ix_milestones_date_status",
                table: "milestones",
                columns: new[] { "date", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_milestones_deployment_id_date",
                table: "milestones",
                columns: new[] { "deployment_id", "date" });

            migrationBuilder.CreateIndex(
                name: "ix_sku_components_component_sku_id",
                table: "sku_components",
                column: "component_sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_country",
                table: "sovereign_deployments",
                column: "country");

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_ministry_id",
                table: "sovereign_deployments",
                column: "ministry_id");

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_name",
                table: "sovereign_deployments",
                column: "name",
                unique: true)
                .Annotation("Relational:Collation", new[] { "case_insensitive" });

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_status",
                table: "sovereign_deployments",
                column: "status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deployment_participants");

            migrationBuilder.DropTable(
                name: "hardware_lines");

            migrationBuilder.DropTable(
                name: "milestones");

            migrationBuilder.DropTable(
                name: "sku_components");

            migrationBuilder.DropTable(
                name: "sovereign_deployments");

            migrationBuilder.DropTable(
                name: "hardware_skus");
        }
    }
}
