-- GET /api/v1/deployments?country=KR&sort=name&pageSize=50: the row with the sums behind its figures (DeploymentRows)
SELECT d.id, d.name, d.country, d.region, d.site, d.latitude, d.longitude, o.id, o.name, o.country, d.status, d.planned_mw, d.installed_mw, d.energy_sources, d.budget_amount, d.budget_currency, (SELECT COALESCE(sum(l.planned_units::bigint), 0) FROM hardware_lines AS l INNER JOIN hardware_skus AS k ON l.sku_id = k.id WHERE d.id = l.deployment_id AND k.category IN ('gpu', 'npu', 'asic')),
 (SELECT COALESCE(sum(l.installed_units::bigint), 0) FROM hardware_lines AS l INNER JOIN hardware_skus AS k ON l.sku_id = k.id WHERE d.id = l.deployment_id AND k.category IN ('gpu', 'npu', 'asic')),
 (SELECT COALESCE(sum(l.planned_units::double precision * k.bf16tflops), 0.0) FROM hardware_lines AS l INNER JOIN hardware_skus AS k ON l.sku_id = k.id WHERE d.id = l.deployment_id AND k.category IN ('gpu', 'npu', 'asic') AND k.bf16tflops IS NOT NULL),
 (SELECT COALESCE(sum(l.installed_units::double precision * k.bf16tflops), 0.0) FROM hardware_lines AS l INNER JOIN hardware_skus AS k ON l.sku_id = k.id WHERE d.id = l.deployment_id AND k.category IN ('gpu', 'npu', 'asic') AND k.bf16tflops IS NOT NULL),
 (SELECT COALESCE(sum(l.planned_units::bigint), 0) FROM hardware_lines AS l INNER JOIN hardware_skus AS k ON l.sku_id = k.id WHERE d.id = l.deployment_id AND k.category IN ('gpu', 'npu', 'asic') AND k.bf16tflops IS NULL),
 (SELECT COALESCE(sum(l.planned_units::bigint), 0) FROM hardware_lines AS l INNER JOIN hardware_skus AS k ON l.sku_id = k.id INNER JOIN organizations AS v ON k.vendor_id = v.id WHERE d.id = l.deployment_id AND k.category IN ('gpu', 'npu', 'asic') AND v.country = d.country),
 (SELECT m.id FROM milestones AS m WHERE d.id = m.deployment_id AND m.status <> 'done' AND m.date >= CURRENT_DATE ORDER BY m.date, m.title LIMIT 1),
 (SELECT m.date FROM milestones AS m WHERE d.id = m.deployment_id AND m.status <> 'done' AND m.date >= CURRENT_DATE ORDER BY m.date, m.title LIMIT 1),
 (SELECT m.title FROM milestones AS m WHERE d.id = m.deployment_id AND m.status <> 'done' AND m.date >= CURRENT_DATE ORDER BY m.date, m.title LIMIT 1),
 (SELECT count(*)::int FROM milestones AS m WHERE d.id = m.deployment_id AND m.status = 'slipped'),
 d.created_at, d.updated_at, d.xmin
FROM sovereign_deployments AS d LEFT JOIN organizations AS o ON d.ministry_id = o.id WHERE d.country = 'KR' ORDER BY d.name, d.id LIMIT 50 OFFSET 0;
