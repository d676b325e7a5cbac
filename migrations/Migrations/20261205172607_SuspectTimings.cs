using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SuspectTimings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "suspect_figure",
                table: "jobs",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "suspect_limit",
                table: "jobs",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "suspect_limit_source",
                table: "jobs",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "timing_suspect",
                table: "jobs",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "copy_bandwidth_gb_per_second",
                table: "agent_devices",
                type: "double precision",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "suspect_figure",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "suspect_limit",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "suspect_limit_source",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "timing_suspect",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "copy_bandwidth_gb_per_second",
                table: "agent_devices");
        }
    }
}
