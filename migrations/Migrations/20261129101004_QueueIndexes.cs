using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class QueueIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_queued",
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_queued_device",
                table: "jobs");

            migrationBuilder.DropIndex(
                name: "ix_jobs_queued_sku",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_queued",
                table: "jobs",
                columns: new[] { "language", "created_at" },
                filter: "status = 'queued'");
        }
    }
}
