-- The floor of `nested.graphql` on SQLite. A subquery's JSON loses its JSON type on the way
-- out, hence json(...) around each; lists are ordered in the subquery they are built from
-- (SQLite sorts NULL first, as the server does).
SELECT json_object('gemeenten', json_object('edges', json_group_array(json_object('node', json_object(
  'id', 'Gemeente:' || g.code,
  'naam', g.naam,
  'provincie', json_object('naam', g.provincie_naam),
  'ambtelijkeFusies', json((
    SELECT json_group_array(json_object(
      '__typename', CASE f.vorm WHEN 'FUSIEORGANISATIE' THEN 'Fusieorganisatie' ELSE 'Centrumconstructie' END,
      'naam', f.naam,
      'afkorting', f.afkorting,
      'rechtsvorm', f.rechtsvorm,
      'reikwijdte', f.reikwijdte,
      'begindatum', f.begindatum,
      'einddatum', f.einddatum,
      'eindreden', f.eindreden,
      'deelnames', json((
        SELECT json_group_array(json_object('rol', d.rol, 'gemeente', json_object('code', d.code, 'naam', d.naam)))
        FROM (
          SELECT d.rol, dg.code, dg.naam FROM deelname d JOIN gemeente dg ON dg.id = d.gemeente_id
          WHERE d.ambtelijke_fusie_id = f.id
            AND d.begindatum <= '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= '2015-01-01')
          ORDER BY d.begindatum, d.id) d))))
    FROM (
      SELECT * FROM ambtelijke_fusie
      WHERE id IN (
        SELECT d.ambtelijke_fusie_id FROM deelname d
        WHERE d.gemeente_id = g.id
          AND d.begindatum <= '2015-01-01' AND (d.einddatum IS NULL OR d.einddatum >= '2015-01-01'))
      ORDER BY begindatum, sleutel) f)))))))
FROM (
  SELECT g.*, p.naam AS provincie_naam FROM gemeente g JOIN provincie p ON p.id = g.provincie_id
  ORDER BY g.code LIMIT 100) g;
