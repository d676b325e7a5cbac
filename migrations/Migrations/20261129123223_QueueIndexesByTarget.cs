using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class QueueIndexesByTarget : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_queued_device",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_queued_sku",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_target_device_id",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_target_sku_id",
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

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_device_queue",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_sku_queue",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_queued_device",
                table: "jobs",
                columns: new[] { "target_device_id", "created_at", "id" },
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_queued_sku",
                table: "jobs",
                columns: new[] { "target_sku_id", "created_at", "id" },
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_target_device_id",
                table: "jobs",
                column: "target_device_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_target_sku_id",
                table: "jobs",
                column: "target_sku_id");
        }
    }
}
