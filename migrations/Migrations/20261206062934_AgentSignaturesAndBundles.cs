using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AgentSignaturesAndBundles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "bundle_id",
                table: "jobs",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "result_signature",
                table: "jobs",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "offline",
                table: "agents",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "public_key",
                table: "agents",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "result_bundles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    agent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    results = table.Column<int>(type: "integer", nullable: false),
                    signature = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    engine_version = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_result_bundles", x => x.id);
                    table.ForeignKey(
                        name: "fk_result_bundles_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_result_bundles_test_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "test_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_bundle_id",
                table: "jobs",
                column: "bundle_id",
                filter: "bundle_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_result_bundles_agent_id",
                table: "result_bundles",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "ix_result_bundles_run_id",
                table: "result_bundles",
                column: "run_id");

            migrationBuilder.AddForeignKey(
                name: "fk_jobs_result_bundles_bundle_id",
                table: "jobs",
                column: "bundle_id",
                principalTable: "result_bundles",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_jobs_result_bundles_bundle_id",
                table: "jobs");

            migrationBuilder.DropTable(
                name: "result_bundles");

            migrationBuilder.DropIndex(
                name: "ix_jobs_bundle_id",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "bundle_id",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "result_signature",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "offline",
                table: "agents");

            migrationBuilder.DropColumn(
                name: "public_key",
                table: "agents");
        }
    }
}
