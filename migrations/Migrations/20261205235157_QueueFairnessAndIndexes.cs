using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class QueueFairnessAndIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_device_queue",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_sku_queue",
                table: "jobs");

            migrationBuilder.AddColumn<long>(
                name: "fair_rank",
                table: "jobs",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "job_fair_shares",
                columns: table => new
                {
                    pool_id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    last_rank = table.Column<long>(type: "bigint", nullable: false),
                    granted = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_fair_shares", x => new { x.pool_id, x.organization_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_device_queue",
                table: "jobs",
                columns: new[] { "target_device_id", "status", "fair_rank", "created_at", "id" },
                filter: "target_device_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_queued_age",
                table: "jobs",
                column: "created_at",
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_sku_queue",
                table: "jobs",
                columns: new[] { "target_sku_id", "status", "fair_rank", "created_at", "id" },
                filter: "target_sku_id is not null");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_fair_shares");

            migrationBuilder.DropIndex(
                name: "ix_jobs_device_queue",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_queued_age",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_sku_queue",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "fair_rank",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_device_queue",
                table: "jobs",
                columns: new[] { "target_device_id", "status", "created_at", "id" },
                filter: "target_device_id is not null");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_sku_queue",
                table: "jobs",
                columns: new[] { "target_sku_id", "status", "created_at", "id" },
                filter: "target_sku_id is not null");
        }
    }
}
