using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class QueuedAgeIndexOnlyWhereAsked : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_queued_age",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_queued_age",
                table: "jobs",
                column: "created_at",
                filter: "status = 'queued' and attempts >= 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_jobs_queued_age",
                table: "jobs");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_queued_age",
                table: "jobs",
                column: "created_at",
                filter: "status = 'queued'");
        }
    }
}
