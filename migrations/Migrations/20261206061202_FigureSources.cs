using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class FigureSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "figure_sources",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    sku_id = table.Column<Guid>(type: "uuid", nullable: true),
                    deployment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    figure = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reference = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    date = table.Column<DateOnly>(type: "date", nullable: true),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_figure_sources", x => x.id);
                    table.CheckConstraint("ck_figure_sources_one_owner", "num_nonnulls(sku_id, deployment_id) = 1");
                    table.ForeignKey(
                        name: "fk_figure_sources_deployments_deployment_id",
                        column: x => x.deployment_id,
                        principalTable: "sovereign_deployments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_figure_sources_hardware_skus_sku_id",
                        column: x => x.sku_id,
                        principalTable: "hardware_skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_figure_sources_deployment_id_figure",
                table: "figure_sources",
                columns: new[] { "deployment_id", "figure" },
                unique: true,
                filter: "deployment_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_figure_sources_sku_id_figure",
                table: "figure_sources",
                columns: new[] { "sku_id", "figure" },
                unique: true,
                filter: "sku_id is not null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "figure_sources");
        }
    }
}
