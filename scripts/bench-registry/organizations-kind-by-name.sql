-- GET /api/v1/organizations?kind=chip_designer&sort=name&pageSize=50 (alliances as a second query in EF's split: here one LEFT JOIN)
SELECT o.id, o.name, o.kind, o.country, o.website, o.description, (SELECT count(*)::int FROM memberships AS m WHERE o.id = m.organization_id), o.created_at, o.updated_at, o.row_version, a.id, a.name
FROM (SELECT o0.*, o0.xmin AS row_version FROM organizations AS o0 WHERE o0.kind = 'chip_designer' ORDER BY o0.name, o0.id LIMIT 50 OFFSET 0) AS o
LEFT JOIN (SELECT oa.organization_id, al.id, al.name FROM organization_alliances AS oa INNER JOIN alliances AS al ON oa.alliance_id = al.id) AS a ON o.id = a.organization_id
ORDER BY o.name, o.id, a.name;
